#!/bin/sh
# like the Kafka distribution's kafka-broker-api-versions.sh
exec java -Xmx256m -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp "/opt/kafka/libs/*" kafka.admin.BrokerApiVersionsCommand "$@"
