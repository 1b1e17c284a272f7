package dev.caravan.deliver;

import java.util.Map;
import java.util.Set;
import org.apache.camel.spi.BeanRepository;

/**
 * Registry beans {@code s3Client-NAME}: the client of the S3 destination NAME, made from its
 * settings when a route first asks for it ({@code amazonS3Client: "#s3Client-offsite"}).
 */
public final class S3ClientBeans implements BeanRepository {

  private static final String PREFIX = "s3Client-";

  private final NamedDestinations<S3Destination> destinations;

  public S3ClientBeans(NamedDestinations<S3Destination> destinations) {
    this.destinations = destinations;
  }

  @Override
  public Object lookupByName(String name) {
    return name.startsWith(PREFIX) && name.length() > PREFIX.length()
        ? destinations.forName(name.substring(PREFIX.length())).client()
        : null;
  }

  @Override
  public <T> T lookupByNameAndType(String name, Class<T> type) {
    Object bean = lookupByName(name);
    return type.isInstance(bean) ? type.cast(bean) : null;
  }

  @Override
  public <T> Map<String, T> findByTypeWithName(Class<T> type) {
    return Map.of();
  }

  @Override
  public <T> Set<T> findByType(Class<T> type) {
    return Set.of(); // made on demand only: S3Client is not looked up by type
  }
}
