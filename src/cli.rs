//! TODO(skeleton): CLI.
