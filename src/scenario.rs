//! TODO(skeleton): scenario format.
