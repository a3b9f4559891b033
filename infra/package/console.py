"""The operators' console when deployed: its assets in a private S3 bucket, served by CloudFront at ``/admin/``,
with ``/v1/*`` sent to the API Gateway stage on the same distribution, so the console and the API share one
origin (no CORS, the token never crosses origins).

The bucket is private (public access blocked, owner-enforced), encrypted, versioned; only this distribution may
read it, through an origin access control (OAC, SigV4). A CloudFront Function sends ``/`` and every path of the
app without a file extension (``/admin/orders``) to ``/admin/index.html``: the single-page app's history fallback.
``make deploy`` uploads ``console/dist`` under ``admin/`` (docs/deploy.md, docs/console.md).
"""

from __future__ import annotations

from infra.package.hardening import skip
from infra.package.iam import Json, get_att

# CloudFront's managed policies (the same ids in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # API Gateway needs its own Host header
SECURITY_HEADERS = "67f7725c-6f97-4210-82d7-5512b31e9d03"  # HSTS, nosniff, frame options, referrer policy
ASSETS, API = "console-assets", "api"

HISTORY_FALLBACK = """function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/" || uri === "/admin" || (uri.indexOf("/admin/") === 0 && uri.split("/").pop().indexOf(".") < 0)) {
    request.uri = "/admin/index.html";
  }
  return request;
}"""


def resources(prefix: str, stage: str) -> dict[str, Json]:
    """The console bucket, its policy (this distribution only), the OAC, the fallback function, the distribution."""
    api_domain = {"Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"}
    built = {
        "ConsoleBucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "BucketEncryption": {
                    "ServerSideEncryptionConfiguration": [
                        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                    ]
                },
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": True,
                    "BlockPublicPolicy": True,
                    "IgnorePublicAcls": True,
                    "RestrictPublicBuckets": True,
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "VersioningConfiguration": {"Status": "Enabled"},
                "LifecycleConfiguration": {
                    "Rules": [
                        {
                            "Id": "expire-old-builds",
                            "Status": "Enabled",
                            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                        }
                    ]
                },
            },
        },
        "ConsoleBucketPolicy": {
            "Type": "AWS::S3::BucketPolicy",
            "Properties": {
                "Bucket": {"Ref": "ConsoleBucket"},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ReadByTheConsoleDistributionOnly",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudfront.amazonaws.com"},
                            "Action": "s3:GetObject",
                            "Resource": {"Fn::Sub": "${ConsoleBucket.Arn}/admin/*"},
                            "Condition": {
                                "StringEquals": {
                                    "AWS:SourceArn": {
                                        "Fn::Sub": "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:"
                                        "distribution/${ConsoleDistribution}"
                                    }
                                }
                            },
                        },
                        {
                            "Sid": "TlsOnly",
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": [get_att("ConsoleBucket"), {"Fn::Sub": "${ConsoleBucket.Arn}/*"}],
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        },
                    ],
                },
            },
        },
        "ConsoleOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": f"{prefix}-console",
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        "ConsoleHistoryFallback": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": f"{prefix}-console-fallback",
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "the console's routes → /admin/index.html",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": HISTORY_FALLBACK,
            },
        },
        "ConsoleDistribution": {
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "Comment": f"{prefix}: the operators' console at /admin/ and the API at /v1/",
                    "Enabled": True,
                    "HttpVersion": "http2and3",
                    "PriceClass": "PriceClass_All",  # mainland-adjacent edges (Hong Kong, Singapore) included
                    "DefaultRootObject": "admin/index.html",
                    "Origins": [
                        {
                            "Id": ASSETS,
                            "DomainName": get_att("ConsoleBucket", "RegionalDomainName"),
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                            "OriginAccessControlId": get_att("ConsoleOriginAccessControl", "Id"),
                        },
                        {
                            "Id": API,
                            "DomainName": api_domain,
                            "OriginPath": f"/{stage}",
                            "CustomOriginConfig": {
                                "OriginProtocolPolicy": "https-only",
                                "OriginSSLProtocols": ["TLSv1.2"],
                            },
                        },
                    ],
                    "DefaultCacheBehavior": {
                        "TargetOriginId": ASSETS,
                        "ViewerProtocolPolicy": "redirect-to-https",
                        "AllowedMethods": ["GET", "HEAD"],
                        "Compress": True,
                        "CachePolicyId": CACHING_OPTIMIZED,
                        "ResponseHeadersPolicyId": SECURITY_HEADERS,
                        "FunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "FunctionARN": get_att("ConsoleHistoryFallback", "FunctionARN"),
                            }
                        ],
                    },
                    "CacheBehaviors": [
                        {
                            "PathPattern": "/v1/*",
                            "TargetOriginId": API,
                            "ViewerProtocolPolicy": "https-only",
                            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                            "Compress": True,
                            "CachePolicyId": CACHING_DISABLED,
                            "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST,
                            "ResponseHeadersPolicyId": SECURITY_HEADERS,
                        }
                    ],
                    "ViewerCertificate": {"CloudFrontDefaultCertificate": True},
                }
            },
        },
    }
    skip(built["ConsoleBucket"], ("CKV_AWS_18", "console_bucket_logs"))
    skip(
        built["ConsoleDistribution"],
        ("CKV_AWS_68", "console_waf"),
        ("CKV_AWS_86", "console_cdn_logs"),
        ("CKV_AWS_174", "console_tls"),
    )
    return built


def outputs() -> dict[str, Json]:
    return {
        "ConsoleBucketName": {"Value": {"Ref": "ConsoleBucket"}},
        "ConsoleUrl": {"Value": {"Fn::Sub": "https://${ConsoleDistribution.DomainName}/admin/"}},
    }
