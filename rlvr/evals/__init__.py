"""Evaluation: metrics over rollout records (pass@k, maj@k, rates) and their aggregation."""
