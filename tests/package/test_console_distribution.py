"""The deployed console: one CloudFront origin for the console and the API, a bucket nobody else can read."""

from __future__ import annotations

from tests.package.conftest import load


def test_the_console_and_the_api_share_one_distribution(real) -> None:
    resources = load(real)["Resources"]
    config = resources["ConsoleDistribution"]["Properties"]["DistributionConfig"]
    origins = {o["Id"]: o for o in config["Origins"]}
    api = next(b for b in config["CacheBehaviors"] if b["PathPattern"] == "/v1/*")

    assert origins[api["TargetOriginId"]]["DomainName"]["Fn::Sub"].startswith("${RestAPI}.execute-api.")
    assert (
        origins[api["TargetOriginId"]]["OriginPath"] == "/" + resources["RestAPI"]["Properties"]["StageName"]
    )
    assert {"POST", "PATCH", "DELETE"} <= set(api["AllowedMethods"])  # the console's moves reach the API
    assert api["ViewerProtocolPolicy"] == "https-only"
    assets = origins[config["DefaultCacheBehavior"]["TargetOriginId"]]
    assert assets["OriginAccessControlId"] == {"Fn::GetAtt": ["ConsoleOriginAccessControl", "Id"]}
    fallback = resources["ConsoleHistoryFallback"]["Properties"]["FunctionCode"]
    assert '"/admin/index.html"' in fallback


def test_the_console_bucket_is_private_and_read_by_its_distribution_alone(real) -> None:
    resources = load(real)["Resources"]
    bucket = resources["ConsoleBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    statements = resources["ConsoleBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    (read,) = [s for s in statements if s["Effect"] == "Allow"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"} and read["Action"] == "s3:GetObject"
    assert "${ConsoleDistribution}" in read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
