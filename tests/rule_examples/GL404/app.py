import json

import requests

RATES_URL = "https://api.example.com/rates"


{example}
