import time

import boto3

queue = boto3.resource("sqs").Queue("https://sqs.us-east-1.amazonaws.com/123456789012/exports")


{example}
