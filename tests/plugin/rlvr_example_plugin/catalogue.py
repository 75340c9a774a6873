"""The plugin's catalogue: plain data, cheap to import."""

ENVS = [
    {
        "id": "example/reverse-v0",
        "entry_point": "rlvr_example_plugin.envs:make_reverse",
        "description": "Reverse a word.",
        "difficulty": [1, 3],
        "tags": ["example"],
    },
]
