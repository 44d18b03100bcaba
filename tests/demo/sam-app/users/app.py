import json


def handler(event, context):
    user_id = event["pathParameters"]["userId"]
    return {"statusCode": 200, "body": json.dumps({"id": user_id})}
