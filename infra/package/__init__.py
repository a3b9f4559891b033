"""The deployable package: ``python -m infra.package --stage dev --out build`` (``make package``).

Writes ``template.json`` (SAM/CloudFormation), ``app.zip`` (app.py, functions/, chalice.app) and ``layer.zip``
(common and the runtime dependencies for Lambda's x86_64 Python) without AWS credentials. docs/deploy.md tells
what is in the template, how permissions and secrets work, and how ``make deploy`` ships it.
"""
