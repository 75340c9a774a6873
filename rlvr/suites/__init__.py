"""Built-in suites, one YAML file each (loaded by :func:`rlvr.make_suite`)."""
