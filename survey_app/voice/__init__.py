"""Voice answers: what a recording may be, and its upload in chunks (``voice.upload``)."""
