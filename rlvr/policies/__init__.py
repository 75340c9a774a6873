"""Policies: model backends behind one interface (see :mod:`rlvr.policies.base`)."""

from rlvr.policies.base import Generation, GenerationRequest, Policy, SamplingParams, make_policy

__all__ = ["Generation", "GenerationRequest", "Policy", "SamplingParams", "make_policy"]
