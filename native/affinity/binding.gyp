{
  "targets": [
    {
      "target_name": "affinity",
      "sources": ["affinity.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"],
      "conditions": [["OS!='linux'", { "type": "none", "sources!": ["affinity.c"] }]]
    }
  ]
}
