"""Trainers that learn from verifiable rewards (GRPO); they need the ``train`` extra."""
