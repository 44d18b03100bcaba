import json


def handler(event, context):
    order_id = event["pathParameters"]["id"]
    item = {"id": order_id}
    result = [item]
    count = len(result)
    {example}
