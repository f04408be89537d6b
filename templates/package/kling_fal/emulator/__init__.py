"""An offline fal.ai for tests and apps: queue, storage and signed webhooks on loopback.

```python
from kling_fal.emulator import Emulator, Faults

with Emulator(tls=True, faults=Faults(rate=0.2)) as emu:
    ...  # point FAL_QUEUE_RUN_HOST / fal_client.client.REST_URL / CDN_URL at emu.url
```

Every endpoint of ``kling_fal.registry`` is served: requests are validated with the package's
own validators and answered with schema-valid outputs. Needs ``pip install 'kling-fal[emulator]'``.
"""

from ._emulator import Emulator
from ._faults import FaultKind, Faults
from ._queue import RequestRecord
from ._route import Operation
from ._storage import StoredFile
from ._webhooks import WebhookDelivery

__all__ = [
    "Emulator",
    "FaultKind",
    "Faults",
    "Operation",
    "RequestRecord",
    "StoredFile",
    "WebhookDelivery",
]
