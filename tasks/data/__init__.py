"""Data files shipped with rlvr, and the scripts that build them."""
