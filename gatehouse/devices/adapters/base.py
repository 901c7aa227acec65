"""What every plate-camera adapter produces and consumes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PlateRead:
    """One plate result as a camera reported it.

    ``record`` identifies the result at the camera (its own result id with the frame time), so a
    result the camera pushes again after an outage is recognised; ``at`` is when the camera saw
    the vehicle (None when it did not say), ``replayed`` that the camera buffered it while
    offline. ``plate`` is the raw text: the core normalises and validates it."""

    camera: str
    record: str
    plate: str
    at: datetime | None = None
    confidence: int | None = None
    replayed: bool = False
    # The camera's own number of the result (echoed in the reply), and what it saw of the plate:
    # its colour and type as the vendor codes them, whether it judged the plate a fake, and the
    # snapshot pictures (the whole frame and the plate's crop), decoded.
    plate_id: int | None = None
    colour: int | None = None
    plate_type: int | None = None
    fake: bool = False
    picture: bytes = b""
    picture_small: bytes = b""


@dataclass(frozen=True, slots=True)
class BarrierAnswer:
    """What the lane shows and does: open the barrier or not, the LED text and the words the
    voice module speaks, the fee to pay (fen) when a payment is due."""

    open: bool
    display: str
    voice: str = ""
    fee_fen: int | None = None
    paid: bool = False
