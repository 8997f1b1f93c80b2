#!/bin/sh
# like the Kafka distribution's kafka-storage.sh
exec java -Xmx256m -Dlog4j.configuration=file:/opt/kafka/config/log4j.properties -cp "/opt/kafka/libs/*" kafka.tools.StorageTool "$@"
