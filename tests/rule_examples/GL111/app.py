import json


def handler(event, context):
    order_id = event["pathParameters"]["id"]
    return {
        "statusCode": 200,
        {example},
        "body": json.dumps({"id": order_id}),
    }
