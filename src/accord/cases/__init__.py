"""Built-in, sourced cases (YAML files in this package)."""
