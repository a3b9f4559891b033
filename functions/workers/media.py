"""Photos, case photos, videos and certificate scans: the worker uploads straight to S3 with a presigned PUT,
then puts the returned ``url`` into the profile. The API never carries file bytes."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from common.settings import get_settings
from common.snapshot import on_restore

from functions.workers.models import MediaIn, MediaUpload

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "video/mp4": "mp4",
    "video/quicktime": "mov",
}


@lru_cache(maxsize=1)
def _s3() -> Any:
    return boto3.client("s3")


on_restore(_s3.cache_clear)  # SnapStart: no connection from the snapshot


def presign_upload(worker_id: str, body: MediaIn, *, media_id: str) -> MediaUpload:
    """A presigned PUT for one new file under the worker's own prefix, and the URL it will be read from."""
    settings = get_settings()
    key = f"workers/{worker_id}/{body.kind}/{media_id}.{EXTENSIONS[body.content_type]}"
    upload_url = _s3().generate_presigned_url(
        "put_object",
        Params={"Bucket": settings.media_bucket, "Key": key, "ContentType": body.content_type},
        ExpiresIn=settings.media_upload_expiry_seconds,
    )
    if settings.media_base_url:
        url = f"{settings.media_base_url.rstrip('/')}/{key}"
    else:  # the object's own address on this endpoint (moto's S3 locally, the bucket's URL on AWS)
        url = upload_url.split("?", 1)[0]
    return MediaUpload(upload_url=upload_url, url=url, expires_in=settings.media_upload_expiry_seconds)
