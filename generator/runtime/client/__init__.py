"""The client machinery: queue calls over fal_client, retries, file uploads and the job journal.

``SyncCore`` and ``AsyncCore`` are complete clients without the per-endpoint accessors; the
generated ``kling_fal.client`` adds those (``KlingClient``) and re-exports the public names.
Nothing is imported here, so each module loads only what it needs.
"""
