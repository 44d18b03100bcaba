import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

const client = new DynamoDBClient({});

export const handler = async (event) => {
  const id = event.pathParameters?.id;
  if (!id) {
    return { statusCode: "Bad Request", body: JSON.stringify({ error: "id is required" }) };
  }
  const result = await client.send(
    new GetItemCommand({ TableName: process.env.ORDERS_TABLE, Key: { id: { S: id } } }),
  );
  return {
    statusCode: 200,
    headers: { "Content-Type": "application/json", "Set-Cookie": ["seen=1", "theme=dark"] },
    body: result.Item,
  };
};
