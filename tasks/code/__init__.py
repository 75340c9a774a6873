"""Code tasks: procedural families, dataset loaders and HumanEval (schema: :mod:`.schema`)."""
