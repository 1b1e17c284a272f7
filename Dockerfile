# Caravan's image: the shaded jar on a JRE, as a non-root user, the routes inside as a fallback
# (Kubernetes mounts its ConfigMap over /etc/caravan/routes). Build:
#   mvn -B package -DskipTests && docker build -t ghcr.io/caravan/caravan:0.1.0 .
# or without Docker: mvn -B package -DskipTests com.google.cloud.tools:jib-maven-plugin:build
# Java 25 for its AOT cache (made below); the jar itself runs on Java 17 and later.
FROM eclipse-temurin:25-jre
RUN groupadd --system --gid 10001 caravan \
 && useradd --system --uid 10001 --gid caravan --home-dir /var/lib/caravan --no-create-home caravan \
 && mkdir -p /var/lib/caravan /etc/caravan/routes \
 && chown caravan:caravan /var/lib/caravan
COPY target/caravan.jar /opt/caravan/caravan.jar
COPY routes/ /etc/caravan/routes/
# an AOT cache: a training run of the service on the shipped samples (deploy/aot-train.sh, checked
# by .ci/run), so a container starts and warms up in about half the CPU (bench/README.md)
COPY deploy/aot-train.sh /tmp/aot/aot-train.sh
COPY samples/ /tmp/aot/samples/
RUN JAVA_OPTS=-XX:MaxRAMPercentage=60 bash /tmp/aot/aot-train.sh /opt/caravan/caravan.jar \
      /opt/caravan/caravan.aot /tmp/aot/samples \
 && rm -rf /tmp/aot
# UTF-8 file names (the JVM reads names in the locale's encoding)
ENV HOME=/var/lib/caravan LANG=C.UTF-8
WORKDIR /var/lib/caravan
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:AOTCache=/opt/caravan/caravan.aot", "-jar", "/opt/caravan/caravan.jar"]
CMD ["run", "--routes", "/etc/caravan/routes"]
