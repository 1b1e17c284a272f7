# Caravan's image: the shaded jar on a JRE, as a non-root user, the routes inside as a fallback
# (Kubernetes mounts its ConfigMap over /etc/caravan/routes). Build:
#   mvn -B package -DskipTests && docker build -t ghcr.io/caravan/caravan:0.1.0 .
# or without Docker: mvn -B package -DskipTests com.google.cloud.tools:jib-maven-plugin:build
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 caravan \
 && useradd --system --uid 10001 --gid caravan --home-dir /var/lib/caravan --no-create-home caravan \
 && mkdir -p /var/lib/caravan /etc/caravan/routes \
 && chown caravan:caravan /var/lib/caravan
COPY target/caravan.jar /opt/caravan/caravan.jar
COPY routes/ /etc/caravan/routes/
# UTF-8 file names (the JVM reads names in the locale's encoding)
ENV HOME=/var/lib/caravan LANG=C.UTF-8
WORKDIR /var/lib/caravan
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-jar", "/opt/caravan/caravan.jar"]
CMD ["run", "--routes", "/etc/caravan/routes"]
