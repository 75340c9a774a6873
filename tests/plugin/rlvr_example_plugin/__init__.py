"""An example rlvr plugin: reverse a word."""
