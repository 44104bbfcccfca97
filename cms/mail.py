"""A development mail backend: every message becomes an .eml file in MAIL_FOLDER, announced in the console."""

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger("cms.mail")


class FolderEmailBackend(BaseEmailBackend):
    """Writes each message to its own .eml file, which any mail program opens."""

    def __init__(self, folder=None, **kwargs):
        super().__init__(**kwargs)
        self.folder = Path(folder or settings.MAIL_FOLDER)

    def send_messages(self, email_messages):
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
            path = self.folder / name
            path.write_bytes(message.message().as_bytes(linesep="\n"))
            # The path only: recipients are personal data and stay out of logs.
            logger.info("mail written to %s", path)
            sent += 1
        return sent
