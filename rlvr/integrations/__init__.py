"""Bridges to Hugging Face ``datasets`` (:mod:`.hf_datasets`) and TRL (:mod:`.trl`)."""
