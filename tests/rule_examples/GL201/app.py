import json


def lambda_handler(event, context):
    user = {"id": event["authorizationToken"]}
    user_id = user["id"]
    arn = event["methodArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": arn}],
    }
    {example}
