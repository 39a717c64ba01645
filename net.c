/* net.c: networking inside the sandbox.  A new network namespace has only a
 * loopback device, and it is down; one rtnetlink message brings it up. */
#include "sbx.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int bring_up_loopback(void)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = {
			.nlmsg_len = sizeof req,
			.nlmsg_type = RTM_NEWLINK,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
			.nlmsg_seq = 1,
		},
		.ifi = {
			.ifi_family = AF_UNSPEC,
			.ifi_index = 1, /* lo is always 1 in a new namespace */
			.ifi_flags = IFF_UP,
			.ifi_change = IFF_UP,
		},
	};
	int sock = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (sock < 0)
		return fail("loopback: netlink socket");
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (sendto(sock, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
		fail("loopback: send");
		close(sock);
		return -1;
	}
	/* The kernel answers with an NLMSG_ERROR whose error is 0 on success. */
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	ssize_t n;
	do
		n = recv(sock, &ack, sizeof ack, 0);
	while (n < 0 && errno == EINTR);
	close(sock);
	if (n < 0)
		return fail("loopback: receive");
	if ((size_t)n < sizeof ack.nh || ack.nh.nlmsg_type != NLMSG_ERROR)
		return failx("loopback: unexpected netlink answer");
	if (ack.err.error != 0) {
		errno = -ack.err.error;
		return fail("loopback: bring up lo");
	}
	return 0;
}
