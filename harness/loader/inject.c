/* dpsim-inject DEV HEXFRAME...: writes each Ethernet frame to DEV of the current network
 * namespace through an AF_PACKET socket, so it leaves DEV's transmit path (tc egress runs)
 * and, for a veth, arrives at the peer's ingress. Prints "sent N" on success. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hex.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: dpsim-inject DEV HEXFRAME...\n");
		return 2;
	}
	unsigned int ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "dpsim-inject: no device %s\n", argv[1]);
		return 1;
	}
	/* Protocol 0: this socket only sends, it never receives. */
	int fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("dpsim-inject: socket");
		return 1;
	}
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_ifindex = (int)ifindex, .sll_halen = ETH_ALEN };
	for (int i = 2; i < argc; i++) {
		size_t len;
		uint8_t *frame = hex_decode(argv[i], &len);
		if (!frame || len < ETH_HLEN) {
			fprintf(stderr, "dpsim-inject: frame %d is not hex of at least %d bytes\n", i - 1, ETH_HLEN);
			return 2;
		}
		memcpy(to.sll_addr, frame, ETH_ALEN);
		if (sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) != (ssize_t)len) {
			fprintf(stderr, "dpsim-inject: send frame %d on %s: %s\n", i - 1, argv[1], strerror(errno));
			return 1;
		}
		free(frame);
	}
	printf("sent %d\n", argc - 2);
	close(fd);
	return 0;
}
