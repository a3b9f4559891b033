"""The local stack's media bucket: a client uploads with a presigned URL and anyone reads the object back."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import boto3
import pytest
import requests
from moto.core.models import default_user_config

from infra.local.aws import Moto, create_media_bucket, start_moto

BUCKET = "jiazheng-test-media"


@pytest.fixture
def moto_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Moto]:
    with mock.patch.dict(default_user_config):
        moto = start_moto()
        requests.post(f"{moto.url}/moto-api/reset", timeout=10)
        monkeypatch.setenv("AWS_ENDPOINT_URL", moto.url)
        try:
            yield moto
        finally:
            moto.stop()


def test_a_presigned_upload_is_publicly_readable_at_the_buckets_url(moto_server: Moto) -> None:
    create_media_bucket(BUCKET)
    upload = boto3.client("s3").generate_presigned_url(
        "put_object",
        Params={"Bucket": BUCKET, "Key": "workers/w1/photo.jpg", "ContentType": "image/jpeg"},
        ExpiresIn=600,
    )

    put = requests.put(upload, data=b"\xff\xd8 a photo", headers={"Content-Type": "image/jpeg"}, timeout=10)
    read = requests.get(f"{moto_server.url}/{BUCKET}/workers/w1/photo.jpg", timeout=10)

    assert put.status_code == 200
    assert read.status_code == 200 and read.content == b"\xff\xd8 a photo"
    assert read.headers["Content-Type"] == "image/jpeg"
