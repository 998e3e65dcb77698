# Deploys one retraining pipeline to the AWS account and region of its SolutionArn.
#   make                                   deploy parameters.cfg as stack personalize-retraining
#   STACK_NAME=personalize-retraining-prod PARAMS_FILE=parameters.prod.cfg make
#   make synth | diff | destroy | bootstrap | test
# No S3 bucket is needed: the CDK toolkit uses its bootstrap resources (make bootstrap, once per
# account and region). See docs/AWS.md.

STACK_NAME ?= personalize-retraining
PARAMS_FILE ?= parameters.cfg
# deploy: which changes wait for a yes at the terminal (never | any-change | broadening).
REQUIRE_APPROVAL ?= broadening
OUTPUT ?= cdk.out
# Extra flags for deploy, diff, destroy and bootstrap, e.g. --no-credentials-check on EC2.
TOOLKIT_FLAGS ?=

CLI = node bin/personalize-retrain.js
PIPELINE = --stack-name "$(STACK_NAME)" --params "$(PARAMS_FILE)"

.DEFAULT_GOAL := deploy
.PHONY: deploy synth diff destroy bootstrap test build

deploy: build
	$(CLI) deploy $(PIPELINE) --require-approval "$(REQUIRE_APPROVAL)" $(TOOLKIT_FLAGS)

synth: build
	$(CLI) synth $(PIPELINE) --output "$(OUTPUT)"

diff: build
	$(CLI) diff $(PIPELINE) $(TOOLKIT_FLAGS)

destroy: build
	$(CLI) destroy $(PIPELINE) $(TOOLKIT_FLAGS)

bootstrap: build
	$(CLI) bootstrap $(PIPELINE) $(TOOLKIT_FLAGS)

test:
	npm test

# The local compiler, not npx: building must not reach the network.
build:
	node_modules/.bin/tsc -p tsconfig.build.json
