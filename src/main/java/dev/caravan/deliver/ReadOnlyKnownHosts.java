package dev.caravan.deliver;

import org.apache.camel.Endpoint;
import org.apache.camel.component.file.remote.SftpConfiguration;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.spi.EndpointStrategy;

/**
 * Keeps every SFTP endpoint (the intake's and the destinations') from writing a known-hosts file:
 * with host key checking off, JSch adds each key it meets to the known-hosts file it was given, so
 * such an endpoint is given none. With checking on (the default) JSch only reads the file, and a
 * refused key is explained by {@link SftpHostKeys}: accepting a key is the operator's act.
 */
public final class ReadOnlyKnownHosts implements EndpointStrategy {

  @Override
  public Endpoint registerEndpoint(String uri, Endpoint endpoint) {
    if (endpoint instanceof SftpEndpoint sftp) {
      SftpConfiguration c = sftp.getConfiguration();
      if ("no".equalsIgnoreCase(c.getStrictHostKeyChecking())) {
        c.setKnownHostsFile(null);
        c.setUseUserKnownHostsFile(false);
      }
    }
    return endpoint;
  }
}
