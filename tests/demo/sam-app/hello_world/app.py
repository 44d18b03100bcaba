import json


def lambda_handler(event, context):
    name = (event.get("queryStringParameters") or {}).get("name", "world")
    if len(name) > 64:
        return {"status": 400, "body": json.dumps({"error": "name too long"})}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": {"message": f"hello {name}"},
    }
