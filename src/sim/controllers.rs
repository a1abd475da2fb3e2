//! TODO(skeleton): the controllers that run each step.
