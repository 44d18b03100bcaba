def lambda_handler(event, context):
    user_id = event["headers"].get("authorization", "")
    {example}
