"""Drives the engine's filters and events API with boto3, as an application would.

Usage: filters_and_events.py ENDPOINT DATASET_GROUP_ARN CAMPAIGN_ARN TRACKING_ID USER_ID GENRE
Prints one JSON object with what the TypeScript test checks.
"""
import datetime
import json
import sys
import time

import boto3
from botocore.exceptions import ClientError

endpoint, group, campaign, tracking_id, user_id, genre = sys.argv[1:7]
session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
personalize = session.client("personalize", endpoint_url=endpoint)
runtime = session.client("personalize-runtime", endpoint_url=endpoint)
events = session.client("personalize-events", endpoint_url=endpoint)

out = {}
created = personalize.create_filter(
    name="boto-genre",
    datasetGroupArn=group,
    filterExpression="INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)",
    tags=[{"tagKey": "client", "tagValue": "boto3"}],
)
filter_arn = created["filterArn"]
for _ in range(500):
    if personalize.describe_filter(filterArn=filter_arn)["filter"]["status"] == "ACTIVE":
        break
    time.sleep(0.01)
out["filterNames"] = [f["name"] for f in personalize.list_filters(datasetGroupArn=group)["Filters"]]
out["tags"] = personalize.list_tags_for_resource(resourceArn=filter_arn)["tags"]

try:
    personalize.create_filter(name="bad", datasetGroupArn=group, filterExpression="INCLUDE ItemID WHERE Items.GENRE INN (1)")
    out["badFilter"] = "accepted"
except ClientError as error:
    out["badFilter"] = [error.response["Error"]["Code"], error.response["Error"]["Message"]]

recommended = runtime.get_recommendations(
    campaignArn=campaign, userId=user_id, numResults=5, filterArn=filter_arn, filterValues={"GENRE": json.dumps(genre)}
)
out["filtered"] = [item["itemId"] for item in recommended["itemList"]]

events.put_events(
    trackingId=tracking_id,
    userId=user_id,
    sessionId="boto3-session",
    eventList=[{"eventType": "purchase", "itemId": out["filtered"][0], "sentAt": datetime.datetime.now()}],
)
try:
    events.put_events(trackingId="no-such-tracker", sessionId="s", eventList=[{"eventType": "x", "itemId": "i", "sentAt": 1}])
    out["badTracker"] = "accepted"
except ClientError as error:
    out["badTracker"] = error.response["Error"]["Code"]
print(json.dumps(out))
