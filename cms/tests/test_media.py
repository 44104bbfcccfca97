"""Uploaded images and documents load with DEBUG off in every mode: served by Django in `make run`
(SERVE_MEDIA), by a web server in the compose production shape, and from an S3-compatible bucket through
django-storages when there are several web hosts (tested against moto's S3 server on this machine)."""

import json
import shutil
import subprocess
import time
import urllib.request
import uuid
from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from home.demo.loader import make_image_bytes
from tests.services import free_port_or_skip

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::qpido-media/*"}
    ],
}


def _image(title="Liefde is…"):
    """A new image of its own (Wagtail caches renditions by image id and file hash, in a cache that may outlive the
    test database: a unique label gives a unique hash)."""
    image = get_image_model()(title=title)
    label = f"Liefde is… {uuid.uuid4().hex[:6]}"
    image.file = ImageFile(BytesIO(make_image_bytes(label, (142, 15, 66))), name="liefde-is.png")
    image._set_file_hash()  # as an upload through the admin does
    image.save()
    return image


def test_an_image_rendition_answers_200_with_debug_off_in_make_run(client, settings, tmp_path):
    settings.DEBUG = False
    settings.SERVE_MEDIA = True
    settings.MEDIA_ROOT = tmp_path
    rendition = _image().get_rendition("fill-320x180")
    assert rendition.url.startswith("/media/images/")
    response = client.get(rendition.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(PNG)


def test_without_serve_media_django_leaves_media_to_the_web_server(client, settings, tmp_path):
    settings.DEBUG = False
    settings.SERVE_MEDIA = False
    settings.MEDIA_ROOT = tmp_path
    rendition = _image().get_rendition("fill-320x180")
    assert client.get(rendition.url).status_code == 404


def test_media_never_leaves_its_folder(client, settings, tmp_path):
    settings.SERVE_MEDIA = True
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "secret.txt").write_text("no")
    for path in ("/media/../secret.txt", "/media/%2e%2e/secret.txt", "/media/images/missing.png"):
        assert client.get(path).status_code in (400, 404), path


@pytest.fixture
def s3_server():
    """moto's S3 server (moto[server], a dev dependency) on a local port, with an empty bucket."""
    executable = shutil.which("moto_server")
    if executable is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]')")
    port = free_port_or_skip(range(5000, 5010))
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            assert process.poll() is None, "the local S3 server did not start"
            try:
                urllib.request.urlopen(endpoint, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        import boto3

        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="qpido-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        # as an operator sets up a media bucket: everyone may read, only the site (with its key) may write
        s3.put_bucket_policy(Bucket="qpido-media", Policy=json.dumps(PUBLIC_READ))
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_several_web_hosts_share_media_through_an_s3_bucket(client, settings, s3_server):
    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "qpido-media",
                "endpoint_url": s3_server,
                "region_name": "eu-west-1",
                "access_key": "x",
                "secret_key": "x",
                "addressing_style": "path",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    rendition = _image().get_rendition("fill-320x180")
    assert rendition.url.startswith(f"{s3_server}/qpido-media/images/")
    with urllib.request.urlopen(rendition.url, timeout=10) as response:  # what a browser does with the page's <img>
        assert response.status == 200
        assert response.read().startswith(PNG)
