{example}
