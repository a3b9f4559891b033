"""WeChat Pay API v3 cryptography (INTEGRATIONS.md), on ``cryptography`` directly.

- Our requests: ``WECHATPAY2-SHA256-RSA2048`` — RSA-SHA256 (PKCS#1 v1.5) with the merchant private key over
  ``METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` where BODY is the exact bytes sent.
- WeChat Pay's responses and notifications: RSA-SHA256 with the platform key over ``TIMESTAMP\\nNONCE\\nBODY\\n``
  on the raw body bytes, never a re-serialization.
- The mini-program's ``paySign``: RSA-SHA256 over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``.
- Notification resources: AEAD_AES_256_GCM with the 32-byte APIv3 key.

``NotificationVerifier`` is the one gate a notification (or an API answer) passes before anything in it is
believed. Everything here is pure: keys, times and nonces come in as arguments.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.errors import InvalidNotification
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
SIGNTEST_PREFIX = "WECHATPAY/SIGNTEST/"
_NONCE_ALPHABET = string.ascii_uppercase + string.digits


class CryptoError(ValueError):
    """A key, signature or ciphertext that does not check out."""


def pem_text(pem: str) -> bytes:
    """A PEM from settings: environment variables often carry it on one line with literal ``\\n``."""
    return pem.strip().replace("\\n", "\n").encode()


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem_text(pem), password=None)
    except (ValueError, TypeError) as exc:
        raise CryptoError("not an RSA private key in PEM") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CryptoError("not an RSA private key")
    return key


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from a ``PUBLIC KEY`` PEM or from a platform certificate PEM."""
    data = pem_text(pem)
    try:
        if b"CERTIFICATE" in data:
            from cryptography import x509

            key: Any = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise CryptoError("not an RSA public key or certificate in PEM") from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise CryptoError("not an RSA public key")
    return key


def new_nonce(length: int = 32) -> str:
    """A random nonce_str (upper-case letters and digits, as WeChat's examples use)."""
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def sign(private_key: rsa.RSAPrivateKey, message: bytes) -> str:
    """Base64 of RSA-SHA256 (PKCS#1 v1.5) over ``message``."""
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_key: rsa.RSAPublicKey, message: bytes, signature_b64: str) -> bool:
    """True only if ``signature_b64`` is a valid RSA-SHA256 signature of ``message`` by ``public_key``."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def request_message(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    """What we sign on a request: the body is the exact bytes that go on the wire (empty for GET)."""
    return f"{method.upper()}\n{path_with_query}\n{timestamp}\n{nonce}\n".encode() + body + b"\n"


def response_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What WeChat Pay signs on a response or a notification: the raw body bytes, as received."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def authorization(
    *,
    mchid: str,
    serial_no: str,
    private_key: rsa.RSAPrivateKey,
    method: str,
    path_with_query: str,
    body: bytes,
    timestamp: str,
    nonce: str,
) -> str:
    """The ``Authorization`` header value of one API request."""
    signature = sign(private_key, request_message(method, path_with_query, timestamp, nonce, body))
    return (
        f'{AUTH_SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{timestamp}",serial_no="{serial_no}"'
    )


def pay_sign(private_key: rsa.RSAPrivateKey, app_id: str, timestamp: str, nonce: str, package: str) -> str:
    """``paySign`` for ``wx.requestPayment`` (signType RSA)."""
    return sign(private_key, f"{app_id}\n{timestamp}\n{nonce}\n{package}\n".encode())


def decrypt_resource(apiv3_key: bytes, resource: dict[str, Any]) -> dict[str, Any]:
    """Decrypt a notification's ``resource`` (AEAD_AES_256_GCM) into its JSON object.

    ``ciphertext`` is base64 of ciphertext ‖ 16-byte tag; the nonce and associated data are used as given, so
    a resource whose associated data or nonce was changed fails the tag check like a changed ciphertext does."""
    if len(apiv3_key) != 32:
        raise CryptoError("the APIv3 key must be 32 bytes")
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise CryptoError("unsupported resource algorithm")
    nonce, associated, ciphertext = (
        resource.get("nonce"),
        resource.get("associated_data") or "",
        resource.get("ciphertext"),
    )
    if not isinstance(nonce, str) or not isinstance(ciphertext, str) or not isinstance(associated, str):
        raise CryptoError("the resource lacks nonce or ciphertext")
    try:
        plain = AESGCM(apiv3_key).decrypt(
            nonce.encode(), base64.b64decode(ciphertext, validate=True), associated.encode()
        )
        data = json.loads(plain)
    except (InvalidTag, binascii.Error, ValueError) as exc:
        raise CryptoError("the resource does not decrypt with our APIv3 key") from exc
    if not isinstance(data, dict):
        raise CryptoError("the resource is not a JSON object")
    return data


@dataclass
class NotificationVerifier:
    """Checks a WeChat Pay notification (or response) and decrypts its resource.

    ``platform_keys`` maps the serials we trust (``PUB_KEY_ID_…`` or platform certificate serials) to their
    public keys. It is fixed configuration: an unknown serial is refused, never looked up on the network, so a
    caller cannot make us trust a key by naming it."""

    platform_keys: dict[str, rsa.RSAPublicKey]
    apiv3_key: bytes
    window_seconds: int = 300

    def check_signature(self, headers: Mapping[str, str], body: bytes, *, now: datetime) -> None:
        """Serial known, timestamp within the window, not the sign-test probe, signature valid over the raw
        ``body``; ``InvalidNotification`` (with the reason) otherwise. Header names are case-insensitive."""
        h = {k.lower(): v for k, v in headers.items()}
        signature, serial = h.get("wechatpay-signature", ""), h.get("wechatpay-serial", "")
        timestamp, nonce = h.get("wechatpay-timestamp", ""), h.get("wechatpay-nonce", "")
        if not (signature and serial and timestamp and nonce):
            raise InvalidNotification("Wechatpay-Signature, -Serial, -Timestamp and -Nonce are required")
        if signature.startswith(SIGNTEST_PREFIX):
            raise InvalidNotification("a signature-test probe is not a notification")
        signature_type = h.get("wechatpay-signature-type")
        if signature_type and signature_type != AUTH_SCHEMA:
            raise InvalidNotification("unsupported signature type")
        key = self.platform_keys.get(serial)
        if key is None:
            raise InvalidNotification("unknown Wechatpay-Serial")
        if not timestamp.isdigit() or abs(int(now.timestamp()) - int(timestamp)) > self.window_seconds:
            raise InvalidNotification("Wechatpay-Timestamp is outside the allowed window")
        if not verify(key, response_message(timestamp, nonce, body), signature):
            raise InvalidNotification("the signature does not match the body")

    def verify(
        self, headers: Mapping[str, str], raw_body: bytes | str, *, now: datetime, is_base64: bool = False
    ) -> dict[str, Any]:
        """The notification with its ``resource`` decrypted, if and only if every check passes.

        ``raw_body`` is the body exactly as received; when API Gateway delivered it base64-encoded
        (``isBase64Encoded``), pass ``is_base64=True`` and it is decoded first — never re-serialized."""
        body = raw_body.encode() if isinstance(raw_body, str) else bytes(raw_body)
        if is_base64:
            try:
                body = base64.b64decode(body, validate=True)
            except binascii.Error as exc:
                raise InvalidNotification("the body is not valid base64") from exc
        self.check_signature(headers, body, now=now)
        try:
            envelope = json.loads(body)
        except ValueError as exc:
            raise InvalidNotification("the body is not JSON") from exc
        if not isinstance(envelope, dict) or not isinstance(envelope.get("resource"), dict):
            raise InvalidNotification("the notification has no resource")
        try:
            resource = decrypt_resource(self.apiv3_key, envelope["resource"])
        except CryptoError as exc:
            raise InvalidNotification(str(exc)) from exc
        return {
            "id": envelope.get("id"),
            "create_time": envelope.get("create_time"),
            "event_type": envelope.get("event_type"),
            "resource_type": envelope.get("resource_type"),
            "summary": envelope.get("summary"),
            "resource": resource,
        }
