# Vendored from generator/runtime/client/__init__.py by klinggen; edit that file, not this copy.
"""The client machinery: queue calls over fal_client, retries, file uploads and the job journal.

``SyncCore`` and ``AsyncCore`` are complete clients without the per-endpoint accessors; the
generated ``kling_fal.client`` adds those (``KlingClient``) and re-exports the public names.
Nothing is imported here, so each module loads only what it needs.
"""
