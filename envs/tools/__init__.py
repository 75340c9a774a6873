"""Tool use: the call grammar, the tools, and the wrapper that lets a model use them."""
