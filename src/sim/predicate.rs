//! TODO(skeleton): win and lose predicates over the cluster.
