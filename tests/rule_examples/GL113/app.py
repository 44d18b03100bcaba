import json


{example}


def create(event):
    return {"statusCode": 201, "body": json.dumps({"created": True})}
