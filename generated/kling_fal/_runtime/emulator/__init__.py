# Vendored from generator/runtime/emulator/__init__.py by klinggen; edit that file, not this copy.
"""The offline fal emulator: queue, storage and signed webhooks on loopback.

The generated ``kling_fal.emulator`` re-exports the public names; nothing is imported here.
"""
