"""Rollouts produced outside the training process: rollout workers, Ray, ingestion."""
