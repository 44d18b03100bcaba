{example}

exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ ready: Boolean(db) }) });
