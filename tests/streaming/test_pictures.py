import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from twentytwo.catalog import services
from twentytwo.streaming.views import PICTURE_NOT_FOUND


def picture_bytes(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 90)).save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def secret_outside_pictures(settings) -> str:
    """A file next to pictures/ that the picture route must never reach."""
    default_storage.save("secret.png", ContentFile(b"not for the public"))
    default_storage.save("audio/ab/secret.png", ContentFile(b"not for the public"))
    return "secret.png"


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")],
)
def test_stored_picture_is_served_with_a_year_of_caching(client, image_format, content_type):
    data = picture_bytes(image_format)
    name = services.picture_store(data=data, kind="genre")

    response = client.get(reverse("streaming:picture", kwargs={"name": name}))

    assert response.status_code == 200
    assert response.getvalue() == data
    assert response["Content-Type"] == content_type
    assert response["Content-Length"] == str(len(data))
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_picture_url_mirrors_the_storage_name_nginx_serves(client):
    name = services.picture_store(data=picture_bytes("PNG"), kind="curator")

    url = reverse("streaming:picture", kwargs={"name": name})

    assert url == f"/{name}"
    assert url.startswith("/pictures/curator/")


def test_head_of_a_picture_gives_its_headers(client):
    data = picture_bytes("PNG")
    name = services.picture_store(data=data, kind="artwork")

    response = client.head(f"/{name}")

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(data))
    assert b"".join(response.streaming_content) == b""


def test_post_to_a_picture_gives_405(client):
    name = services.picture_store(data=picture_bytes("PNG"), kind="artwork")

    assert client.post(f"/{name}").status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/pictures/../secret.png",
        "/pictures/%2e%2e/secret.png",
        "/pictures/..%2fsecret.png",
        "/pictures/genre/../../secret.png",
        "/pictures/genre/../../audio/ab/secret.png",
        "/pictures/./../secret.png",
        "/pictures//secret.png",
        "/pictures/%2fsecret.png",
        "/pictures/..\\secret.png",
        "/pictures/.hidden.png",
        "/pictures/secret.png%00.png",
    ],
)
def test_path_that_leaves_pictures_gives_404(client, secret_outside_pictures, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b"not for the public" not in response.getvalue()


def test_absolute_path_gives_404(client, settings, secret_outside_pictures):
    absolute = Path(settings.MEDIA_ROOT, secret_outside_pictures)

    response = client.get(f"/pictures/{absolute}")

    assert response.status_code == 404
    assert response.content.decode() == PICTURE_NOT_FOUND


@pytest.mark.parametrize("name", ["pictures/genre/x.svg", "pictures/genre/x.mp3", "pictures/x"])
def test_file_of_another_kind_under_pictures_gives_404(client, name):
    default_storage.save(name, ContentFile(b"<svg onload=alert(1)>"))

    response = client.get(f"/{name}")

    assert response.status_code == 404
    assert response.content.decode() == PICTURE_NOT_FOUND


def test_missing_picture_gives_404(client):
    response = client.get("/pictures/genre/0123456789abcdef.png")

    assert response.status_code == 404
    assert response.content.decode() == PICTURE_NOT_FOUND


def test_folder_named_like_a_picture_gives_404(client, settings):
    Path(settings.MEDIA_ROOT, "pictures", "genre", "folder.png").mkdir(parents=True)

    response = client.get("/pictures/genre/folder.png")

    assert response.status_code == 404


def test_revalidating_a_picture_gives_304(client):
    name = services.picture_store(data=picture_bytes("PNG"), kind="genre")
    first = client.get(f"/{name}")

    again = client.get(f"/{name}", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"
