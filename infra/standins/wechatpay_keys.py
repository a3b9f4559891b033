"""Keys and signatures for the WeChat Pay stand-in, on ``cryptography`` directly (independently of
``functions/payments/crypto.py``, so a mistake in ours cannot be mirrored here and pass unnoticed).

``WeChatPayKeys.generate()`` makes a matching key set at runtime — merchant key pair and certificate serial,
platform key pair and ``PUB_KEY_ID_…``, APIv3 key — for the local stack and tests: no key is ever committed.
"""

from __future__ import annotations

import base64
import secrets
import string
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ALNUM = string.ascii_letters + string.digits


def rand(n: int, alphabet: str = ALNUM) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _pem_private(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _pem_public(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def rsa_sign(pem: str, message: bytes) -> str:
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_verify(pem: str, message: bytes, signature_b64: str) -> bool:
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    try:
        key.verify(base64.b64decode(signature_b64), message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class WeChatPayKeys:
    """A merchant's key set and the platform's, generated together so they match."""

    mchid: str
    appid: str
    merchant_serial: str
    merchant_private_pem: str
    merchant_public_pem: str
    platform_key_id: str
    platform_private_pem: str
    platform_public_pem: str
    apiv3_key: str

    @classmethod
    def generate(cls, mchid: str = "1900000109", appid: str = "wx-test-app") -> WeChatPayKeys:
        merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(
            mchid=mchid,
            appid=appid,
            merchant_serial=secrets.token_hex(20).upper(),
            merchant_private_pem=_pem_private(merchant),
            merchant_public_pem=_pem_public(merchant.public_key()),
            platform_key_id="PUB_KEY_ID_" + "".join(secrets.choice(string.digits) for _ in range(32)),
            platform_private_pem=_pem_private(platform),
            platform_public_pem=_pem_public(platform.public_key()),
            apiv3_key=rand(32),
        )

    def settings_env(self, api_base: str) -> dict[str, str]:
        """The environment our settings read (layers/common/settings.py) to talk to a stand-in with these keys."""
        return {
            "WECHATPAY_API_BASE": api_base,
            "WECHATPAY_MCHID": self.mchid,
            "WECHATPAY_APPID": self.appid,
            "WECHATPAY_MERCHANT_SERIAL": self.merchant_serial,
            "WECHATPAY_MERCHANT_PRIVATE_KEY": self.merchant_private_pem,
            "WECHATPAY_APIV3_KEY": self.apiv3_key,
            "WECHATPAY_PLATFORM_PUBLIC_KEY_ID": self.platform_key_id,
            "WECHATPAY_PLATFORM_PUBLIC_KEY": self.platform_public_pem,
        }


def seal(apiv3_key: str, nonce: str, plaintext: bytes, associated_data: str) -> str:
    """AEAD_AES_256_GCM as WeChat Pay seals a notification resource: base64(ciphertext ‖ tag)."""
    return base64.b64encode(
        AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), plaintext, associated_data.encode())
    ).decode()
